import nodemailer, { type Transporter } from 'nodemailer';

export interface Mailer {
  /** Resolves with the server's final SMTP reply (e.g. "250 2.0.0 Ok: queued"). */
  send(message: { to: readonly string[]; subject: string; text: string }): Promise<{ response: string }>;
  close(): void;
}

const DEFAULT_FROM = 'Coro PSA connector <no-reply@localhost>';

/**
 * A nodemailer SMTP transport from `SMTP_URL` (`smtp://user:pass@host:587`, `smtps://…`). An
 * optional `from` query parameter sets the sender and is not passed on to nodemailer.
 */
export function createMailer(smtpUrl: string): Mailer {
  const url = new URL(smtpUrl);
  const from = url.searchParams.get('from') ?? DEFAULT_FROM;
  url.searchParams.delete('from');
  const transport: Transporter = nodemailer.createTransport(url.toString());
  return {
    async send(message) {
      const info = (await transport.sendMail({
        from,
        to: [...message.to],
        subject: message.subject,
        text: message.text,
      })) as { response?: unknown };
      return { response: typeof info.response === 'string' ? info.response : '' };
    },
    close() {
      transport.close();
    },
  };
}
