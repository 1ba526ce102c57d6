// Where the web app points people who run SIPCall: the configuration reference
// in SIPCall's own documentation. A deployment that publishes the docs
// elsewhere changes this one line.
export const CONFIGURATION_DOCS_URL = 'docs/configuration.md';
