import nodemailer from 'nodemailer';

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
  const url = /[?&]pool=/.test(smtpUrl) ? smtpUrl : `${smtpUrl}${smtpUrl.includes('?') ? '&' : '?'}pool=true`;
  const transport = nodemailer.createTransport(url);
  return {
    kind: 'smtp',
    send: async (message) => {
      await transport.sendMail(message);
    },
    close: () => transport.close(),
  };
}
