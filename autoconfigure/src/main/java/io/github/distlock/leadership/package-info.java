/**
 * Leadership: the campaigner that holds one lock per role ({@code RoleCampaign}) behind
 * the {@link io.github.distlock.Leadership} bean, and the
 * {@link io.github.distlock.LeaderOnly} advisor.
 */
@NullMarked
package io.github.distlock.leadership;

import org.jspecify.annotations.NullMarked;
