/** Every request of the action names it so, whichever client sends it. */
export const USER_AGENT = 'neon-preview-action';
