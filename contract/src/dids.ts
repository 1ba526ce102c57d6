/** An inbound number (DID) and the user it rings: GET/POST /api/dids (admin). */
export interface Did {
  /** E.164. */
  number: string;
  userId: string;
  label: string;
  createdAt: string;
}

export interface NewDid {
  number: string;
  userId: string;
  label?: string;
}
