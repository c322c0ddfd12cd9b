import { defineProject } from 'vitest/config'

// The repository's own scripts (test setup, topology) are tested as one small project.
export default defineProject({
  test: { name: 'scripts', include: ['*.test.mjs'], environment: 'node', testTimeout: 20_000 },
})
