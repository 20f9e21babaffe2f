/** Element keys are lower-case identifiers such as `hubspot` or `microsoftgraph`. */
export const ELEMENT_KEY_PATTERN = /^[a-z][a-z0-9]{1,63}$/;
