import type { ChannelOptions } from '@grpc/grpc-js';

/** Largest message either side accepts (a program's adapter artefact can be sizeable). */
export const TRAINER_MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

/**
 * Client (dispatcher) channel options. Train streams can be silent for minutes, so the client pings
 * every 10 s and drops the connection when a ping goes unanswered for 5 s: a dead trainer is noticed
 * within ~15 s and the stream fails with UNAVAILABLE instead of hanging.
 */
export const TRAINER_CHANNEL_OPTIONS: ChannelOptions = {
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.max_receive_message_length': TRAINER_MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': TRAINER_MAX_MESSAGE_BYTES,
};

/**
 * Server (trainer) options: the same keepalive from the other side, so a dispatcher that vanished
 * without closing its socket is noticed within ~15 s, its calls are cancelled and their trainings
 * are killed.
 */
export const TRAINER_SERVER_OPTIONS: ChannelOptions = {
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.max_receive_message_length': TRAINER_MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': TRAINER_MAX_MESSAGE_BYTES,
};
