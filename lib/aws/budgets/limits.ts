/** A budget has at most ten notifications: one per threshold plus the FORECASTED 100 %. */
export const MAX_BUDGET_THRESHOLDS = 9;
