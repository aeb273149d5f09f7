/**
 * Pulumi.yaml's `main`. It sits at the project root because the Node.js language host runs a
 * program file with that file's folder as its working directory: from here ts-node finds the
 * project's tsconfig.json (not Pulumi's default compiler options) and relative paths resolve
 * from the project root. The program itself is bin/pulumi.ts.
 */
import program = require('./bin/pulumi');

export = program;
