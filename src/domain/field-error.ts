/** A problem with one field, as shown next to it and in the error summary. */
export interface FieldError {
  field: string;
  message: string;
}
