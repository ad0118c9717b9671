import { randomBytes } from 'node:crypto';

/**
 * A one-time password: 18 random bytes, base64url (24 characters, ~144 bits). Long and random
 * enough to pass `passwordProblem`, and free of characters that are awkward to copy or type.
 */
export const newOneTimePassword = (): string => randomBytes(18).toString('base64url');

/** The local part of an e-mail, as a first display name the person can change later. */
export const displayNameFromEmail = (email: string): string => email.split('@')[0] || email;

export const signInLink = (publicUrl: string, email: string): string =>
  `${publicUrl.replace(/\/+$/, '')}/login?email=${encodeURIComponent(email)}`;

/** The invitation sent when SMTP is configured: the one-time password goes here instead of the API. */
export function invitationMail(input: {
  readonly channelName: string;
  readonly invitedBy: string;
  readonly role: string;
  readonly email: string;
  readonly oneTimePassword: string;
  readonly link: string;
}): { subject: string; text: string } {
  return {
    subject: `You have been added to ${input.channelName} on the Coro PSA connector`,
    text: [
      `${input.invitedBy} added you to ${input.channelName} as ${input.role}.`,
      '',
      `Sign in: ${input.link}`,
      `E-mail: ${input.email}`,
      `One-time password: ${input.oneTimePassword}`,
      '',
      'You will be asked to choose your own password when you first sign in.',
      'If you did not expect this message, ignore it.',
    ].join('\n'),
  };
}
