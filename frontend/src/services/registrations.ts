import type { RegisteredDevices } from '@sipcall/contract';
import { apiRequest } from './http';

/** Who has a phone registered right now (admin). */
export const registeredDevices = () => apiRequest<RegisteredDevices>('/api/registrations');
