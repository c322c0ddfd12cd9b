import { defineConfig } from 'vitest/config'

// Every package and app is a vitest project with its own small config.
export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'apps/*/vitest.config.ts',
      'tooling/soak/vitest.config.ts',
      'tooling/claims/vitest.config.ts',
      'scripts/vitest.config.mjs',
      'examples/vitest.config.ts',
    ],
  },
})
