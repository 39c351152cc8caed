/**
 * What the runtime's other packages need from the workflow package: new run IDs and the shape checks
 * of a step's slug and version. Not exported by the {@code dev.fancy.runtime} module and not for
 * users.
 */
package dev.fancy.workflow.spi;
