/**
 * Operations support for the in-process Llama 3 model: an Actuator {@code HealthIndicator} and Micrometer meters.
 * Each class here is used only when its library is on the classpath (see the starter's auto-configurations).
 */
@NullMarked
package dev.llama3.spring.actuate;

import org.jspecify.annotations.NullMarked;
