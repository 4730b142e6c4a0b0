import * as grpc from '@grpc/grpc-js';

/** PEM material for mutual TLS (libs/tls loads it from files). */
export interface TrainerTls {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/**
 * What a trainer serves with: mutual TLS (clients must present a certificate our CA signed) when
 * material is given; plain text only when the operator allowed it explicitly.
 */
export function trainerServerCredentials(tls: TrainerTls | null, allowPlaintext: boolean): grpc.ServerCredentials {
  if (tls) return grpc.ServerCredentials.createSsl(tls.ca, [{ private_key: tls.key, cert_chain: tls.cert }], true);
  if (!allowPlaintext) {
    throw new Error(
      'no TLS configured for gRPC: set TINYSWEEP_TLS_CA, TINYSWEEP_TLS_CERT and TINYSWEEP_TLS_KEY (`tinysweep certs` makes a dev CA), ' +
        'or TINYSWEEP_ALLOW_PLAINTEXT=1 on a network you trust',
    );
  }
  return grpc.ServerCredentials.createInsecure();
}

/** What a dispatcher dials trainers with; the counterpart of {@link trainerServerCredentials}. */
export function trainerChannelCredentials(tls: TrainerTls | null, allowPlaintext: boolean): grpc.ChannelCredentials {
  if (tls) return grpc.credentials.createSsl(tls.ca, tls.key, tls.cert);
  if (!allowPlaintext) {
    throw new Error(
      'no TLS configured for gRPC: set TINYSWEEP_TLS_CA, TINYSWEEP_TLS_CERT and TINYSWEEP_TLS_KEY, or TINYSWEEP_ALLOW_PLAINTEXT=1 on a network you trust',
    );
  }
  return grpc.credentials.createInsecure();
}
