declare module 'cxr:plugin/host@0.2.0' {
  /**
   * Write a line to the host's log, tagged with the plugin's name.
   */
  export function log(level: LogLevel, message: string): void;
  /**
   * # Variants
   * 
   * ## `"trace"`
   * 
   * ## `"debug"`
   * 
   * ## `"info"`
   * 
   * ## `"warn"`
   * 
   * ## `"error"`
   */
  export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';
}
