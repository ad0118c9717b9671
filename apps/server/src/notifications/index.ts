/**
 * Run notifications: email over SMTP and a signed webhook, per connector. The entry points
 * (job handlers) use what is exported here; the rest of the folder is imported file by file.
 *
 * @example await notifyRunFinished({ db, secretBox, publicUrl, mailer, logger }, summary);
 */
export { createMailer, type Mailer } from './email.sender.js';
export { notifyRunFinished } from './notify-run.js';
