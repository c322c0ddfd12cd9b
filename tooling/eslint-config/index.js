import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import tseslint from 'typescript-eslint'

/**
 * The whole repo's lint setup: ESLint's recommended rules, typescript-eslint's type-aware rules
 * and Prettier owning formatting. Type information comes from each package's tsconfig through the
 * project service.
 *
 * Plain JavaScript is linted without types, except the `typedJs` globs: JavaScript that
 * TypeScript checks (`// @ts-check` under a tsconfig with `checkJs`, such as the API's browser
 * dashboard) gets the same type-aware rules as TypeScript, with types from its own tsconfig.
 *
 * @param {string} rootDir absolute path of the repository root
 * @param {{ typedJs?: string[] }} [options]
 */
export function biPerfConfig(rootDir, { typedJs = [] } = {}) {
  return tseslint.config(
    { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', '**/coverage/**'] },
    js.configs.recommended,
    ...tseslint.configs.recommendedTypeChecked,
    {
      languageOptions: {
        parserOptions: {
          projectService: { allowDefaultProject: ['tooling/*/*.d.ts'] },
          tsconfigRootDir: rootDir,
        },
      },
      rules: {
        '@typescript-eslint/consistent-type-imports': 'error',
        '@typescript-eslint/no-floating-promises': 'error',
        '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
        'no-console': ['error', { allow: ['warn', 'error'] }],
      },
    },
    {
      files: ['**/*.js', '**/*.mjs', '**/*.d.ts'],
      ...tseslint.configs.disableTypeChecked,
    },
    ...(typedJs.length === 0
      ? []
      : [
          {
            files: typedJs,
            languageOptions: {
              parserOptions: { projectService: true, tsconfigRootDir: rootDir },
            },
            rules: {
              ...tseslint.configs.recommendedTypeChecked.at(-1)?.rules,
              // TypeScript resolves names with the tsconfig's `lib` (DOM for a browser page).
              'no-undef': 'off',
            },
          },
        ]),
    {
      files: ['**/*.test.ts', '**/test/**', '**/bench/**', 'apps/**'],
      rules: {
        'no-console': 'off',
        '@typescript-eslint/no-non-null-assertion': 'off',
        '@typescript-eslint/unbound-method': 'off',
      },
    },
    prettier,
  )
}
