// In a component: the host's log import (the build resolves `#host` here).
export { log } from 'cxr:plugin/host@0.2.0';
