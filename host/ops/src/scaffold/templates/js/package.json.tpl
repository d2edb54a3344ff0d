{
  "name": "{{name}}",
  "version": "0.1.0",
  "description": "{{description}}",
  "private": true,
  "type": "module",
  "scripts": {
    "build": "cxr-plugin build",
    "test": "cxr-plugin test"
  },
  "dependencies": {
    "cxr-plugin": "{{kit_dep}}"
  }
}
