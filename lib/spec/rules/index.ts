import type { Rule } from './context';
import { environmentRules } from './environments';
import { functionRules } from './functions';
import { uniqueNames } from './names';
import { routeRules } from './routes';

/** Every cross-field rule, run by parseSpec after the schema. Add a rule file per area. */
export const RULES: readonly Rule[] = [uniqueNames, functionRules, routeRules, environmentRules];
