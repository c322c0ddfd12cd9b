export { judge, formatClaimed, type ClaimResult, type ClaimedRange, type Verdict } from './claim.js'
export { renderReport, renderTable, formatFigure, type ClaimsReport } from './render.js'
export { runClaims } from './run-claims.js'
export { median, percentile, percentLower } from './stats.js'
