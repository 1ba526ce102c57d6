// Outgoing mail over SMTP (SMTP_URL, MAIL_FROM). One message per call: a
// password reset is rare, so no pool of connections is kept open.
import nodemailer from 'nodemailer';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

export function smtpMailer(config: { smtpUrl: string; from: string }): Mailer {
  const transport = nodemailer.createTransport(config.smtpUrl);
  return {
    async send(mail) {
      await transport.sendMail({ from: config.from, ...mail });
    },
  };
}
