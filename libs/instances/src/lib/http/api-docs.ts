import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { API_BASE_PATH } from '@connector-events/config';

export const API_DOCS_PATH = `${API_BASE_PATH}/docs`;

/**
 * Serves the OpenAPI document generated from the controllers (paths, parameters, bodies) at
 * `/elements/api-v2/docs` (UI) and `/elements/api-v2/docs/openapi.json`. Body schemas come
 * from the same class-validator decorators that validate requests, so they cannot drift.
 */
export function installApiDocs(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Connector Events API')
    .setDescription(
      'The Open Connectors instances and event log API. Authenticate with ' +
        '`Authorization: User <userSecret>, Organization <organizationSecret>`.',
    )
    .setVersion('2')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'Authorization' }, 'organization')
    .addSecurityRequirements('organization')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
  // Only the API's own paths: health and metrics are operations endpoints, not the API.
  document.paths = Object.fromEntries(Object.entries(document.paths).filter(([path]) => path.startsWith(`/${API_BASE_PATH}/`)));
  const schemas = validationMetadatasToSchemas({ refPointerPrefix: '#/components/schemas/' });
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...schemas } as never };
  SwaggerModule.setup(API_DOCS_PATH, app, document, { jsonDocumentUrl: `${API_DOCS_PATH}/openapi.json` });
}
