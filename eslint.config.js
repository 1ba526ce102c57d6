import js from '@eslint/js';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// FreeSWITCH stays inside backend/src/switch/: its command syntax, channel
// variables and event headers are written there and nowhere else (but for its
// HTTP door, below); the rest of the backend calls switch/commands.ts and
// reads switch/events.ts.
// (Selector regexes cannot hold a slash, hence `sofia.`.)
const SWITCH_TEXT = [
  // commands, dial strings and the applications they run
  /^(uuid_|originate\s|bgapi\s|api\s|sofia.|show\s(channels|calls|registrations)|global_getvar\s|sched_hangup\s|&(park|echo|bridge|transfer)\b)/,
  // channel variables, and originate's own
  /^(variable_|origination_|originate_\w+=)/,
  // event headers
  /^(Unique-ID|Other-Leg-Unique-ID|Event-(Name|Subclass|Sequence|Date-Timestamp)|Call-Direction|Channel-(Name|Call-UUID|Call-State|State)|Hangup-Cause|Job-UUID|Answer-State|Caller-[A-Za-z-]+)$/,
].map((r) => r.source);
const SWITCH_ONLY = 'FreeSWITCH syntax and raw event headers live in backend/src/switch/: send through switch/commands.ts, read switch/events.ts';
const switchSyntax = SWITCH_TEXT.flatMap((source) => [
  { selector: `Literal[value=/${source}/]`, message: SWITCH_ONLY },
  { selector: `TemplateElement[value.raw=/${source}/]`, message: SWITCH_ONLY },
]);
const rawCommand = {
  selector: 'CallExpression > MemberExpression.callee > Identifier.property[name=/^(api|bgapi)$/]',
  message: 'Commands to a switch are the typed functions of switch/commands.ts',
};
const variableNames = [
  { selector: 'Property > Identifier.key[name=/^variable_/]', message: SWITCH_ONLY },
  { selector: 'MemberExpression > Identifier.property[name=/^variable_/]', message: SWITCH_ONLY },
];
/**
 * The switch's HTTP door (switch-http/: the xml_curl form and the XML
 * answers) and the reader of the records mod_json_cdr posts write and read
 * the switch's own words too; they send no commands.
 */
const SWITCH_HTTP_DOOR = ['backend/src/switch-http/**/*.ts', 'backend/src/cdr/extract.ts', 'backend/src/cdr/parse.ts'];
const eslInternals = {
  patterns: [{ group: ['**/switch/esl', '**/switch/esl/*'], message: 'The ESL client and its frames are switch/ internals: use switch/commands.ts and switch/events.ts' }],
};

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', 'coverage/**', 'nextcloud-app/js/**', 'nextcloud-app/css/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  ...pluginVue.configs['flat/recommended'],
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.vue'],
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': ['error', { allow: ['warn', 'error'] }],
      // Interface methods return promises whether or not this implementation awaits.
      '@typescript-eslint/require-await': 'off',
      // The contract has no run-time code: the compiled backend never loads it.
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [{ name: '@sipcall/contract', allowTypeImports: true, message: 'The contract is types only: import type.' }] }],
    },
  },
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
    rules: {
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
  },
  {
    files: ['frontend/src/**', 'phone/src/**', 'nextcloud-app/src/**'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['**/*.test.ts', '**/*.spec.ts', 'backend/test/**', 'frontend/e2e/**'],
    rules: {
      // Tests poke at untyped JSON bodies and query rows on purpose.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['backend/src/**/*.ts'],
    // Tests speak to stand-in switches in the switch's own words.
    ignores: ['backend/src/switch/**', '**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', eslInternals],
      'no-restricted-syntax': ['error', ...switchSyntax, ...variableNames, rawCommand],
    },
  },
  {
    files: SWITCH_HTTP_DOOR,
    rules: { 'no-restricted-syntax': ['error', rawCommand] },
  },
  {
    files: ['scripts/**/*.mjs', 'frontend/e2e/**/*.mjs', 'eslint.config.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node, parserOptions: { projectService: false, project: null } },
  },
  {
    // Plain scripts the browser runs as they are (the admin form's is bundled, but written as a plain script).
    files: ['frontend/public/**/*.js', 'nextcloud-app/src/admin.js', 'frontend/e2e/support/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { sourceType: 'script', globals: globals.browser, parserOptions: { projectService: false, project: null } },
  },
);
