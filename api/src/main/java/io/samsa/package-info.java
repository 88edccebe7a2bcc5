/**
 * What applications code against: {@link io.samsa.LogStore} (a directory of topics), {@link
 * io.samsa.Topic}, {@link io.samsa.Log} (one partition), {@link io.samsa.LogReader}, the records
 * and results, {@link io.samsa.TopicConfig} and the exceptions (all under {@link
 * io.samsa.SamsaException}). Stores are opened with {@code io.samsa.core.Samsa}.
 */
package io.samsa;
