/**
 * The trainer protocol: which calls and messages of trainer.proto a dispatcher and a trainer speak.
 * Bumped when a change would make an older peer do the wrong thing silently (protocol 1's trainers
 * run an Evaluate or Fingerprint sent as Train as a training). Both sides name both versions when
 * they refuse each other, so a mixed fleet says what to upgrade.
 */
import type { Metadata } from '@grpc/grpc-js';
import type { NodeInfo__Output } from './types.js';

/**
 * The protocol this code speaks. 1: one Train call with a mode (train, evaluate, fingerprint), shared
 * trainings as pseudo trial ids. 2: Train, Evaluate and Fingerprint as calls of their own, shared
 * trainings by training id.
 */
export const TRAINER_PROTOCOL = 2;

/** Metadata key a caller states its protocol in, on every call (createTrainerClient adds it). */
export const TRAINER_PROTOCOL_METADATA = 'tinysweep-protocol';

/** The protocol a trainer says it speaks in Describe: 0 (unset) is a trainer from before the field, protocol 1. */
export function nodeProtocol(info: Pick<NodeInfo__Output, 'protocol'>): number {
  return info.protocol > 0 ? info.protocol : 1;
}

/** The protocol a call's metadata states; a caller that states none is from before the header, protocol 1. */
export function callerProtocol(metadata: Metadata): number {
  const value = Number(metadata.get(TRAINER_PROTOCOL_METADATA)[0] ?? '');
  return Number.isInteger(value) && value > 0 ? value : 1;
}

/**
 * Why a dispatcher will not send work to a trainer (undefined when it will): the trainer speaks
 * another protocol. The message names the node, both protocols and what to upgrade.
 */
export function trainerRefusal(info: Pick<NodeInfo__Output, 'protocol' | 'nodeId' | 'version'>): string | undefined {
  const theirs = nodeProtocol(info);
  if (theirs === TRAINER_PROTOCOL) return undefined;
  const older = theirs < TRAINER_PROTOCOL;
  return (
    `trainer ${info.nodeId} (version ${info.version || 'unknown'}) speaks trainer protocol ${theirs}; this dispatcher speaks protocol ${TRAINER_PROTOCOL}: ` +
    `upgrade the ${older ? 'trainer' : 'dispatcher'}`
  );
}

/** Why a trainer will not run a call (undefined when it will): the caller speaks another protocol. */
export function callerRefusal(metadata: Metadata, node: { nodeId: string; version: string }): string | undefined {
  const theirs = callerProtocol(metadata);
  if (theirs === TRAINER_PROTOCOL) return undefined;
  const older = theirs < TRAINER_PROTOCOL;
  return (
    `trainer protocol mismatch: trainer ${node.nodeId} (version ${node.version}) speaks trainer protocol ${TRAINER_PROTOCOL}; ` +
    `the caller speaks protocol ${theirs}: upgrade the ${older ? 'dispatcher' : 'trainer'}`
  );
}
