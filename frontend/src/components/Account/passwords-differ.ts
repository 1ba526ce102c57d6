/** The repeated new password, once typed, is not the new password. */
export const passwordsDiffer = (password: string, repeat: string): boolean => repeat !== '' && password !== repeat;
