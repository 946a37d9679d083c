/** Small, domain-free utilities of the simulator: a bounded value-keyed memo. */
package dev.hwplan.util;
