// The password reset mail, in the languages the web app speaks.
import type { Mail } from './mailer.js';

export const MAIL_LANGUAGES = ['en', 'de', 'fr'] as const;
export type MailLanguage = (typeof MAIL_LANGUAGES)[number];

interface Words {
  subject: string;
  hello: (name: string) => string;
  asked: string;
  action: string;
  expires: string;
  ignore: string;
}

const WORDS: Record<MailLanguage, Words> = {
  en: {
    subject: 'Reset your SIPCall password',
    hello: (name) => `Hello ${name},`,
    asked: 'someone (hopefully you) asked to reset the password of your SIPCall account.',
    action: 'Choose a new password',
    expires: 'The link works once, for 30 minutes.',
    ignore: 'If you did not ask for this, ignore this mail: your password stays as it is.',
  },
  de: {
    subject: 'Ihr SIPCall-Passwort zurücksetzen',
    hello: (name) => `Hallo ${name},`,
    asked: 'jemand (hoffentlich Sie) hat darum gebeten, das Passwort Ihres SIPCall-Kontos zurückzusetzen.',
    action: 'Neues Passwort festlegen',
    expires: 'Der Link funktioniert einmal, 30 Minuten lang.',
    ignore: 'Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail: Ihr Passwort bleibt unverändert.',
  },
  fr: {
    subject: 'Réinitialiser votre mot de passe SIPCall',
    hello: (name) => `Bonjour ${name},`,
    asked: 'quelqu’un (vous, espérons-le) a demandé à réinitialiser le mot de passe de votre compte SIPCall.',
    action: 'Choisir un nouveau mot de passe',
    expires: 'Le lien fonctionne une seule fois, pendant 30 minutes.',
    ignore: 'Si vous n’avez rien demandé, ignorez ce message : votre mot de passe reste inchangé.',
  },
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function resetMail(to: { email: string; displayName: string }, link: string, language: MailLanguage): Mail {
  const w = WORDS[language];
  const text = [w.hello(to.displayName), '', w.asked, '', `${w.action}: ${link}`, '', w.expires, w.ignore, ''].join('\n');
  const html = [
    `<!doctype html><html lang="${language}"><body style="font-family: sans-serif; line-height: 1.5">`,
    `<p>${escapeHtml(w.hello(to.displayName))}</p>`,
    `<p>${escapeHtml(w.asked)}</p>`,
    `<p><a href="${escapeHtml(link)}">${escapeHtml(w.action)}</a></p>`,
    `<p>${escapeHtml(w.expires)}<br>${escapeHtml(w.ignore)}</p>`,
    `</body></html>`,
  ].join('\n');
  return { to: to.email, subject: w.subject, text, html };
}
