import type { PhoneSystem } from '@sipcall/contract';
import { apiRequest } from './http';

/** Whether a switch is configured and reachable (admins also get each switch's link). */
export const fetchPhoneSystem = () => apiRequest<PhoneSystem>('/api/phone-system');
