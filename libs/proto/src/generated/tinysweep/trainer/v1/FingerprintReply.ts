// Original file: trainer.proto


/**
 * What a run would read (engine version, model, data and code hashes): result reuse keys on it.
 */
export interface FingerprintReply {
  /**
   * empty when this trainer cannot say (see error)
   */
  'fingerprint'?: ({[key: string]: string});
  /**
   * why it cannot: a backend without fingerprints, a bad request
   */
  'error'?: (string);
}

/**
 * What a run would read (engine version, model, data and code hashes): result reuse keys on it.
 */
export interface FingerprintReply__Output {
  /**
   * empty when this trainer cannot say (see error)
   */
  'fingerprint': ({[key: string]: string});
  /**
   * why it cannot: a backend without fingerprints, a bad request
   */
  'error': (string);
}
