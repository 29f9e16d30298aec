import type { Transporter } from 'nodemailer';

export interface MailMessage {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId?: string;
}

/** Delivers one message; the outbox worker calls it. */
export interface Mailer {
  readonly kind: 'smtp' | 'outbox-only';
  send(message: MailMessage): Promise<void>;
  close(): void;
}

export function createMailer(smtpUrl: string | undefined): Mailer {
  if (!smtpUrl) {
    // Embedded default: messages stay in the outbox, where a CCSU admin reads them in the app.
    return {
      kind: 'outbox-only',
      send: async () => {
        throw new Error('No SMTP_URL configured: messages stay in the outbox');
      },
      close: () => {},
    };
  }
  // A pooled transport reuses SMTP connections instead of opening one per message.
  // Short timeouts: an SMTP server that hangs fails the message (retried later) instead of holding the
  // sender's claim, or a shutdown, for nodemailer's default ten minutes.
  const defaults = {
    pool: 'true',
    connectionTimeout: '10000',
    greetingTimeout: '10000',
    socketTimeout: '30000',
  };
  const url = new URL(smtpUrl);
  for (const [key, value] of Object.entries(defaults))
    if (!url.searchParams.has(key)) url.searchParams.set(key, value);
  // nodemailer is loaded with the first message: most processes (and tests) never send one.
  let transport: Promise<Transporter> | undefined;
  const open = () =>
    (transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport(url.toString()),
    ));
  return {
    kind: 'smtp',
    send: async (message) => {
      await (await open()).sendMail(message);
    },
    close: () => void transport?.then((t) => t.close()),
  };
}
