/** Every refused request's body: a stable code to act on and a message safe to show. */
export interface ApiErrorBody {
  error: { code: string; message: string };
}
