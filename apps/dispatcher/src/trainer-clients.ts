// TrainerClients moved to libs/proto: the API dials trainers too (Generate, for Try it).
export { TrainerClients } from '@tinysweep/proto';
