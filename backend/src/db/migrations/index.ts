// Every migration, oldest first. New ones are added here and never edited once released.
import { Foundation1763704800000 } from './1763704800000-foundation.js';

export const migrations = [Foundation1763704800000];
