import { showError, showSuccess } from '@nextcloud/dialogs';
import '@nextcloud/dialogs/style.css';

/**
 * What the user is told after an action, as Nextcloud tells it: a toast in the corner, read out
 * by screen readers (success politely, failure at once). Every action that succeeds or fails
 * says so through here, in the page's language (the caller passes translated words).
 */
export function toastSuccess(message: string): void {
  showSuccess(message);
}

export function toastError(message: string): void {
  showError(message);
}
