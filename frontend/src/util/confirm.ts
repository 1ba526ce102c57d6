import { t } from '../i18n';

export interface Confirmation {
  /** The dialog's heading: the action asked about ("Delete user"). */
  title: string;
  /** What will happen, in a sentence. */
  text: string;
  /** The button that does it ("Delete"). */
  confirm: string;
}

/**
 * Asks before something that cannot be undone, in Nextcloud's dialog (NcDialog): true when the
 * user chose to go on; Cancel, Escape or closing the dialog keep things as they are.
 */
export async function confirmAction({ title, text, confirm }: Confirmation): Promise<boolean> {
  // Nextcloud's dialogs load on the first question, as the toasts do: no page waits for them.
  const { showConfirmation } = await import('@nextcloud/dialogs');
  try {
    return await showConfirmation({ name: title, text, labelConfirm: confirm, labelReject: t('dialog.cancel'), severity: 'warning' });
  } catch {
    return false;
  }
}
