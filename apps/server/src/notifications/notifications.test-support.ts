import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

import { WEBHOOK_SIGNATURE_HEADER } from './webhook.signature.js';

// Real loopback servers for the notification tests: an SMTP server and a webhook receiver.

export interface ReceivedMail {
  readonly from: string;
  readonly to: string[];
  readonly data: string;
}

/** A real SMTP server on loopback that keeps what it receives. */
export async function startSmtpServer(): Promise<{
  url: string;
  received: ReceivedMail[];
  close: () => Promise<void>;
}> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const mailFrom = session.envelope.mailFrom;
        received.push({
          from: mailFrom === false ? '' : mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}?from=${encodeURIComponent('PSA Bot <bot@coro.test>')}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface WebhookRequest {
  readonly signature: string | undefined;
  readonly body: string;
  readonly contentType: string | undefined;
  readonly host: string | undefined;
}

/** A real HTTP receiver on loopback; `respond` decides each answer (status, delay). */
export async function startWebhookReceiver(
  respond: (index: number) => { status: number; delayMs?: number; headers?: Record<string, string> },
): Promise<{ url: string; requests: WebhookRequest[]; close: () => Promise<void> }> {
  const requests: WebhookRequest[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const index = requests.length;
      requests.push({
        signature: req.headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()] as string | undefined,
        body: Buffer.concat(chunks).toString('utf8'),
        contentType: req.headers['content-type'],
        host: req.headers.host,
      });
      const answer = respond(index);
      setTimeout(() => {
        res.writeHead(answer.status, answer.headers ?? {});
        res.end();
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/coro`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
