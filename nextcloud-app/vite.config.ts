// The app's front end, built the way Nextcloud's own apps are
// (@nextcloud/vite-config): js/sipcall-main.mjs (the phone on every page) and
// js/sipcall-admin.mjs (the admin form), styles injected by the scripts, the
// app's name from appinfo/info.xml.
import { createAppConfig } from '@nextcloud/vite-config';

export default createAppConfig(
  {
    main: 'src/main.ts',
    admin: 'src/admin.js',
  },
  {
    // The phone's styles go into the script that shows it (the admin form has Nextcloud's own).
    inlineCSS: { jsAssetsFilterFunction: (chunk) => chunk.fileName === 'js/sipcall-main.mjs' },
    // Nothing here needs Node's modules in the browser (JsSIP brings its own events package).
    nodePolyfills: false,
    // Nextcloud's apps folder takes what the archive holds: no licence files beside each script.
    extractLicenseInformation: false,
    config: {
      build: { sourcemap: false },
    },
  },
);
