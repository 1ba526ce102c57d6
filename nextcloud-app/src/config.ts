// What the app's PHP gives the page (lib/Listener/LoadScript.php, Nextcloud's
// initial state `sipcall`/`config`): where SIPCall is and where this user's
// assertion comes from.
import { loadState } from '@nextcloud/initial-state';

export interface AppConfig {
  /** SIPCall's address, as the admin saved it (no trailing slash). */
  sipcallUrl: string;
  /** The app's token endpoint (GET): a one-minute assertion for the signed-in user. */
  tokenUrl: string;
  /** The app's own page (the navigation's Phone entry). */
  pageUrl: string;
}

/** The page's configuration, or null on a page the app's PHP gave none (the user may not phone). */
export function readConfig(): AppConfig | null {
  try {
    const config = loadState<Partial<AppConfig>>('sipcall', 'config');
    if (typeof config.sipcallUrl !== 'string' || typeof config.tokenUrl !== 'string' || typeof config.pageUrl !== 'string') return null;
    return { sipcallUrl: config.sipcallUrl.replace(/\/+$/, ''), tokenUrl: config.tokenUrl, pageUrl: config.pageUrl };
  } catch {
    return null;
  }
}
