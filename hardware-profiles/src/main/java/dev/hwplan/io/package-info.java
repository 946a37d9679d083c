/**
 * Input and output plumbing shared by every module: strict YAML/JSON reading, UTF-8 text files,
 * bad-input errors (exit 2), atomic writes and staging files. It sits in the bottom module so that
 * every module can use it.
 */
package dev.hwplan.io;
