package dev.pop3raw.camel.springboot;

import java.util.Set;

import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.converter.GenericConverter;

import dev.pop3raw.camel.Pop3RawConfiguration;
import dev.pop3raw.client.sasl.AccessTokenProvider;

/**
 * Lets the object-valued options name a Spring bean, as in Camel: {@code #beanName} or {@code #bean:beanName}, for
 * example {@code camel.component.pop3raw.idempotent-repository=#mailRepository}.
 */
@Configuration(proxyBeanMethods = false)
@ConfigurationPropertiesBinding
public class Pop3RawComponentConverter implements GenericConverter {

    private static final Set<Class<?>> BEAN_TYPES = Set.of(IdempotentRepository.class, SSLContextParameters.class,
            AccessTokenProvider.class, Pop3RawConfiguration.class);

    private final ApplicationContext applicationContext;

    public Pop3RawComponentConverter(ApplicationContext applicationContext) {
        this.applicationContext = applicationContext;
    }

    @Override
    public Set<ConvertiblePair> getConvertibleTypes() {
        return Set.of(BEAN_TYPES.stream().map(type -> new ConvertiblePair(String.class, type))
                .toArray(ConvertiblePair[]::new));
    }

    @Override
    public Object convert(Object source, TypeDescriptor sourceType, TypeDescriptor targetType) {
        if (source == null) {
            return null;
        }
        String reference = source.toString();
        if (!reference.startsWith("#")) {
            return null;
        }
        String name = reference.startsWith("#bean:") ? reference.substring(6) : reference.substring(1);
        return applicationContext.getBean(name, targetType.getType());
    }
}
