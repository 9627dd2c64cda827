import type { RawObject } from './config.js';
import { StepReader } from './config.js';
import { compileRule, parseRule } from './rule.js';
import { type DeclaredStep, StepLedger, stateless, writeFlags } from './step.js';

/**
 * Acts on the rows a rule matches (see `parseRule` for the language): 'drop' drops them,
 * 'quarantine' sets them aside, 'flag' sets `flagColumn` (default 'flagged') on them, and 'keep'
 * keeps only them, dropping the others. Either way `reason` is what the report and the quarantine
 * file say about those rows.
 */
export interface FilterStep {
  step: 'filter';
  rule: string;
  action: 'drop' | 'flag' | 'quarantine' | 'keep';
  reason: string;
  flagColumn?: string;
}

export function declareFilter(raw: RawObject, path: string): DeclaredStep<FilterStep> {
  const r = new StepReader(raw, path, 'filter', ['rule', 'action', 'reason', 'flagColumn']);
  const source = r.string('rule');
  const rule = parseRule(source, r.at('rule'));
  const action = r.oneOf('action', ['drop', 'flag', 'quarantine', 'keep']);
  const reason = r.string('reason');
  if (reason.trim() === '') throw r.error('reason', 'must say why the rows are set apart');
  r.onlyWith('flagColumn', 'action', 'flag', action === 'flag');
  const config: FilterStep = {
    step: 'filter',
    rule: source,
    action,
    reason,
    ...(action === 'flag' ? { flagColumn: r.string('flagColumn', 'flagged') } : {}),
  };

  return stateless(config, (table, context) => {
    const matches = compileRule(rule, table);
    const ledger = new StepLedger('filter', table, context);
    if (action === 'flag') {
      const flags = Array.from({ length: table.numRows }, (_, i) => matches(i));
      for (const flag of flags) if (flag) ledger.flagged(reason);
      return ledger.finish(writeFlags(ledger, table, config.flagColumn!, flags));
    }
    for (let i = 0; i < table.numRows; i++) {
      const match = matches(i);
      if (action === 'keep' && !match) ledger.drop(i, reason);
      else if (action === 'drop' && match) ledger.drop(i, reason);
      else if (action === 'quarantine' && match) ledger.quarantine(i, reason);
    }
    return ledger.finish(table);
  });
}
