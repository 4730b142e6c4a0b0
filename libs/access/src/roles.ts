/**
 * Who may do what. A token has one role:
 *
 *   read    GET anything (sweeps, trials, schedules, nodes, metrics, server-sent events)
 *   submit  read, plus submit sweeps and schedules, Try it, and cancel / retry / pause / delete what
 *           this token submitted
 *   admin   submit, plus the same on anyone's sweeps and schedules, and node management
 *   node    a trainer's heartbeats and its leaving; nothing else (not even reads)
 *
 * read ⊂ submit ⊂ admin; node stands apart, so a user's token cannot register a node and a node's
 * token cannot submit.
 */
export const ROLES = ['read', 'submit', 'admin', 'node'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Exclude<Role, 'node'>, number> = { read: 1, submit: 2, admin: 3 };

/** Whether a token holding `held` may do what needs `needed`. */
export function roleAllows(held: Role, needed: Role): boolean {
  if (held === 'node' || needed === 'node') return held === needed;
  return RANK[held] >= RANK[needed];
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** A token's holder as the API knows it: the token's name in the store and its role. */
export interface Principal {
  name: string;
  role: Role;
}
