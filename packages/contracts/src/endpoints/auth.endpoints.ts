import {
  AuthConfig,
  ChangePasswordBody,
  ChannelParams,
  CreateMachineTokenBody,
  CreatedMachineToken,
  LoginBody,
  MachineTokenList,
  Me,
  TokenParams,
} from '../auth.js';
import { Ok } from '../common.js';
import { defineEndpoint } from '../endpoint.js';
import { channel } from './paths.js';

const tags = ['auth'];

export const authEndpoints = {
  /** Public: the demo's well-known logins for the sign-in page's hint (never outside demo mode). */
  config: defineEndpoint({ method: 'GET', path: '/api/auth/config', tags, responses: { 200: AuthConfig } }),
  login: defineEndpoint({
    method: 'POST',
    path: '/api/auth/login',
    tags,
    body: LoginBody,
    responses: { 200: Me },
  }),
  logout: defineEndpoint({ method: 'POST', path: '/api/auth/logout', tags, responses: { 200: Ok } }),
  me: defineEndpoint({ method: 'GET', path: '/api/auth/me', tags, responses: { 200: Me } }),
  changePassword: defineEndpoint({
    method: 'POST',
    path: '/api/auth/password',
    tags,
    body: ChangePasswordBody,
    responses: { 200: Me },
  }),
  listTokens: defineEndpoint({
    method: 'GET',
    path: `${channel}/tokens`,
    tags,
    params: ChannelParams,
    responses: { 200: MachineTokenList },
  }),
  createToken: defineEndpoint({
    method: 'POST',
    path: `${channel}/tokens`,
    tags,
    params: ChannelParams,
    body: CreateMachineTokenBody,
    responses: { 201: CreatedMachineToken },
  }),
  revokeToken: defineEndpoint({
    method: 'DELETE',
    path: `${channel}/tokens/:tokenId`,
    tags,
    params: TokenParams,
    responses: { 200: Ok },
  }),
} as const;
