// The Adjudication module.
