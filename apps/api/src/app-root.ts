import { fileURLToPath } from 'node:url'

/**
 * Absolute path of apps/api. This file sits in `src/` and is bundled into `dist/`, both one level
 * below the app, so `..` is the app in source runs and built runs alike.
 */
export const appRoot: string = fileURLToPath(new URL('..', import.meta.url)).replace(/[\\/]$/, '')
