import type { Options } from 'tsup'

export declare function packageBuild(overrides?: Partial<Options>): Options | Options[]
