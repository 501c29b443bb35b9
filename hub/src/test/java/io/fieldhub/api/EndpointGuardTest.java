package io.fieldhub.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.stereotype.Controller;
import org.springframework.util.ClassUtils;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * Every HTTP handler of the hub names the role it needs with {@code @PreAuthorize}, so an endpoint added without one
 * fails the build instead of being open to any signed-in user. The exceptions are device and gateway ingest, which
 * the device authenticates itself.
 */
class EndpointGuardTest {

    record Handler(String methods, String path, Method method, Class<?> controller) {

        boolean isDeviceIngest() {
            return methods.equals("[POST]") && ApiDocs.DEVICE_INGESTS.contains(path);
        }

        @Override
        public String toString() {
            return methods + " " + path + " (" + controller.getSimpleName() + "." + method.getName() + ")";
        }
    }

    @Test
    void everyHandlerButDeviceIngestNamesItsRole() throws Exception {
        List<Handler> handlers = handlers();

        assertThat(handlers)
                .as("the scan finds the API's handlers")
                .hasSizeGreaterThan(20)
                .filteredOn(Handler::isDeviceIngest)
                .hasSize(ApiDocs.DEVICE_INGESTS.size());
        assertThat(handlers)
                .filteredOn(h -> !h.isDeviceIngest())
                .allSatisfy(h -> assertThat(ApiDocs.preAuthorize(h.method(), h.controller()))
                        .as("@PreAuthorize on %s or its class", h)
                        .isNotBlank());
    }

    @Test
    void theRoleShownIsTheOneTheExpressionNames() {
        assertThat(ApiDocs.role("hasRole('operator')")).isEqualTo("operator");
        assertThat(ApiDocs.role("hasAnyRole('operator','admin')"))
                .as("an expression that is not one role is shown as written")
                .isEqualTo("hasAnyRole('operator','admin')");
    }

    /** Each request-mapped method of every controller in io.fieldhub, with its full path and HTTP methods. */
    private static List<Handler> handlers() throws ClassNotFoundException {
        var scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(Controller.class));
        List<Handler> handlers = new ArrayList<>();
        for (BeanDefinition bean : scanner.findCandidateComponents("io.fieldhub")) {
            Class<?> controller = ClassUtils.forName(bean.getBeanClassName(), EndpointGuardTest.class.getClassLoader());
            RequestMapping base = AnnotatedElementUtils.findMergedAnnotation(controller, RequestMapping.class);
            String prefix = base == null || base.path().length == 0 ? "" : base.path()[0];
            for (Method method : controller.getDeclaredMethods()) {
                RequestMapping mapping = AnnotatedElementUtils.findMergedAnnotation(method, RequestMapping.class);
                if (mapping == null) {
                    continue;
                }
                String methods = Arrays.toString(mapping.method());
                List<String> paths = mapping.path().length == 0 ? List.of("") : List.of(mapping.path());
                paths.forEach(path -> handlers.add(new Handler(methods, prefix + path, method, controller)));
            }
        }
        return handlers;
    }
}
