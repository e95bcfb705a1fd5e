import type {
  Container,
  ContainerPort,
  ConfigMapVolumeSource,
  EnvFromSource,
  EnvVar,
  KeySelector,
  KeyToPath,
  SecretVolumeSource,
  HTTPGetAction,
  PodSpec,
  PodTemplateSpec,
  Probe,
  ResourceRequirements,
  Toleration,
  Volume,
  VolumeMount,
} from '../api/types.ts';
import { builder } from './builder.ts';
import { KeyValueInput, KeyValueRef, TemplateMetaInput, TemplateMetaRef, toPairs } from './common.ts';
import { PURE } from './items-json.ts';

export const ProtocolEnum = builder.enumType('Protocol', { values: ['TCP', 'UDP'] as const });
export const ImagePullPolicyEnum = builder.enumType('ImagePullPolicy', {
  values: ['Always', 'IfNotPresent', 'Never'] as const,
});
export const RestartPolicyEnum = builder.enumType('RestartPolicy', {
  values: ['Always', 'OnFailure', 'Never'] as const,
});
export const TaintEffectEnum = builder.enumType('TaintEffect', {
  values: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const,
});

type ResourceList = { cpu?: string; memory?: string };

const ResourceListRef = builder.objectRef<ResourceList>('ResourceList').implement({
  fields: (t) => ({ cpu: t.exposeString('cpu'), memory: t.exposeString('memory') }),
});
const ResourceListInput = builder.inputType('ResourceListInput', {
  fields: (t) => ({ cpu: t.string(), memory: t.string() }),
});

const ResourceRequirementsRef = builder.objectRef<ResourceRequirements>('ResourceRequirements').implement({
  fields: (t) => ({
    limits: t.expose('limits', { type: ResourceListRef }),
    requests: t.expose('requests', { type: ResourceListRef }),
  }),
});
const ResourceRequirementsInput = builder.inputType('ResourceRequirementsInput', {
  fields: (t) => ({
    limits: t.field({ type: ResourceListInput }),
    requests: t.field({ type: ResourceListInput }),
  }),
});

type FieldRef = { fieldPath: string };
const ObjectFieldSelectorRef = builder.objectRef<FieldRef>('ObjectFieldSelector').implement({
  fields: (t) => ({ fieldPath: t.exposeString('fieldPath', { nullable: false }) }),
});
type KeyRef = KeySelector;
const KeySelectorRef = builder.objectRef<KeyRef>('KeySelector').implement({
  description: 'A key of a ConfigMap (configMapKeyRef) or Secret (secretKeyRef).',
  fields: (t) => ({
    name: t.exposeString('name', { nullable: false }),
    key: t.exposeString('key', { nullable: false }),
    optional: t.exposeBoolean('optional'),
  }),
});
const EnvVarSourceRef = builder.objectRef<NonNullable<EnvVar['valueFrom']>>('EnvVarSource').implement({
  fields: (t) => ({
    fieldRef: t.expose('fieldRef', { type: ObjectFieldSelectorRef }),
    configMapKeyRef: t.expose('configMapKeyRef', { type: KeySelectorRef }),
    secretKeyRef: t.expose('secretKeyRef', { type: KeySelectorRef }),
  }),
});
const EnvVarRef = builder.objectRef<EnvVar>('EnvVar').implement({
  fields: (t) => ({
    name: t.exposeString('name', { nullable: false }),
    value: t.exposeString('value'),
    valueFrom: t.expose('valueFrom', { type: EnvVarSourceRef }),
  }),
});
type SourceRef = { name: string; optional?: boolean };
const EnvFromRefRef = builder.objectRef<SourceRef>('EnvFromReference').implement({
  fields: (t) => ({ name: t.exposeString('name', { nullable: false }), optional: t.exposeBoolean('optional') }),
});
const EnvFromSourceRef = builder.objectRef<EnvFromSource>('EnvFromSource').implement({
  fields: (t) => ({
    prefix: t.exposeString('prefix'),
    configMapRef: t.expose('configMapRef', { type: EnvFromRefRef }),
    secretRef: t.expose('secretRef', { type: EnvFromRefRef }),
  }),
});
const ObjectFieldSelectorInput = builder.inputType('ObjectFieldSelectorInput', {
  fields: (t) => ({ fieldPath: t.string({ required: true }) }),
});
const KeySelectorInput = builder.inputType('KeySelectorInput', {
  fields: (t) => ({ name: t.string({ required: true }), key: t.string({ required: true }), optional: t.boolean() }),
});
const EnvVarSourceInput = builder.inputType('EnvVarSourceInput', {
  fields: (t) => ({
    fieldRef: t.field({ type: ObjectFieldSelectorInput }),
    configMapKeyRef: t.field({ type: KeySelectorInput }),
    secretKeyRef: t.field({ type: KeySelectorInput }),
  }),
});
export const EnvVarInput = builder.inputType('EnvVarInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    value: t.string(),
    valueFrom: t.field({ type: EnvVarSourceInput }),
  }),
});
const EnvFromReferenceInput = builder.inputType('EnvFromReferenceInput', {
  fields: (t) => ({ name: t.string({ required: true }), optional: t.boolean() }),
});
const EnvFromSourceInput = builder.inputType('EnvFromSourceInput', {
  fields: (t) => ({
    prefix: t.string(),
    configMapRef: t.field({ type: EnvFromReferenceInput }),
    secretRef: t.field({ type: EnvFromReferenceInput }),
  }),
});

const ContainerPortRef = builder.objectRef<ContainerPort>('ContainerPort').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    containerPort: t.exposeInt('containerPort', { nullable: false }),
    hostPort: t.exposeInt('hostPort'),
    protocol: t.expose('protocol', { type: ProtocolEnum }),
  }),
});
const ContainerPortInput = builder.inputType('ContainerPortInput', {
  fields: (t) => ({
    name: t.string(),
    containerPort: t.int({ required: true }),
    hostPort: t.int(),
    protocol: t.field({ type: ProtocolEnum }),
  }),
});

const HTTPHeaderRef = builder.objectRef<{ name: string; value: string }>('HTTPHeader').implement({
  fields: (t) => ({
    name: t.exposeString('name', { nullable: false }),
    value: t.exposeString('value', { nullable: false }),
  }),
});
const HTTPHeaderInput = builder.inputType('HTTPHeaderInput', {
  fields: (t) => ({ name: t.string({ required: true }), value: t.string({ required: true }) }),
});
const HTTPGetActionRef = builder.objectRef<HTTPGetAction>('HTTPGetAction').implement({
  fields: (t) => ({
    path: t.exposeString('path'),
    port: t.expose('port', { type: 'IntOrString', nullable: false }),
    host: t.exposeString('host'),
    scheme: t.exposeString('scheme'),
    httpHeaders: t.expose('httpHeaders', { type: [HTTPHeaderRef] }),
  }),
});
const HTTPGetActionInput = builder.inputType('HTTPGetActionInput', {
  fields: (t) => ({
    path: t.string(),
    port: t.field({ type: 'IntOrString', required: true }),
    host: t.string(),
    scheme: t.string(),
    httpHeaders: t.field({ type: [HTTPHeaderInput] }),
  }),
});
type TcpSocket = NonNullable<Probe['tcpSocket']>;
const TCPSocketActionRef = builder.objectRef<TcpSocket>('TCPSocketAction').implement({
  fields: (t) => ({
    port: t.expose('port', { type: 'IntOrString', nullable: false }),
    host: t.exposeString('host'),
  }),
});
const TCPSocketActionInput = builder.inputType('TCPSocketActionInput', {
  fields: (t) => ({ port: t.field({ type: 'IntOrString', required: true }), host: t.string() }),
});
const ExecActionRef = builder.objectRef<{ command: string[] }>('ExecAction').implement({
  fields: (t) => ({ command: t.exposeStringList('command', { nullable: false }) }),
});
const ExecActionInput = builder.inputType('ExecActionInput', {
  fields: (t) => ({ command: t.stringList({ required: true }) }),
});

const ProbeRef = builder.objectRef<Probe>('Probe').implement({
  fields: (t) => ({
    httpGet: t.expose('httpGet', { type: HTTPGetActionRef }),
    tcpSocket: t.expose('tcpSocket', { type: TCPSocketActionRef }),
    exec: t.expose('exec', { type: ExecActionRef }),
    initialDelaySeconds: t.exposeInt('initialDelaySeconds'),
    periodSeconds: t.exposeInt('periodSeconds'),
    timeoutSeconds: t.exposeInt('timeoutSeconds'),
    successThreshold: t.exposeInt('successThreshold'),
    failureThreshold: t.exposeInt('failureThreshold'),
  }),
});
const ProbeInput = builder.inputType('ProbeInput', {
  fields: (t) => ({
    httpGet: t.field({ type: HTTPGetActionInput }),
    tcpSocket: t.field({ type: TCPSocketActionInput }),
    exec: t.field({ type: ExecActionInput }),
    initialDelaySeconds: t.int(),
    periodSeconds: t.int(),
    timeoutSeconds: t.int(),
    successThreshold: t.int(),
    failureThreshold: t.int(),
  }),
});

const VolumeMountRef = builder.objectRef<VolumeMount>('VolumeMount').implement({
  fields: (t) => ({
    name: t.exposeString('name', { nullable: false }),
    mountPath: t.exposeString('mountPath', { nullable: false }),
    readOnly: t.exposeBoolean('readOnly'),
    subPath: t.exposeString('subPath'),
  }),
});
const VolumeMountInput = builder.inputType('VolumeMountInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    mountPath: t.string({ required: true }),
    readOnly: t.boolean(),
    subPath: t.string(),
  }),
});

export const ContainerRef = builder.objectRef<Container>('Container').implement({
  fields: (t) => ({
    name: t.exposeString('name', { nullable: false }),
    image: t.exposeString('image', { nullable: false }),
    imagePullPolicy: t.expose('imagePullPolicy', { type: ImagePullPolicyEnum }),
    command: t.exposeStringList('command'),
    args: t.exposeStringList('args'),
    workingDir: t.exposeString('workingDir'),
    env: t.expose('env', { type: [EnvVarRef] }),
    envFrom: t.expose('envFrom', { type: [EnvFromSourceRef] }),
    ports: t.expose('ports', { type: [ContainerPortRef] }),
    resources: t.expose('resources', { type: ResourceRequirementsRef }),
    volumeMounts: t.expose('volumeMounts', { type: [VolumeMountRef] }),
    livenessProbe: t.expose('livenessProbe', { type: ProbeRef }),
    readinessProbe: t.expose('readinessProbe', { type: ProbeRef }),
    startupProbe: t.expose('startupProbe', { type: ProbeRef }),
  }),
});
export const ContainerInput = builder.inputType('ContainerInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    image: t.string({ required: true }),
    imagePullPolicy: t.field({ type: ImagePullPolicyEnum }),
    command: t.stringList(),
    args: t.stringList(),
    workingDir: t.string(),
    env: t.field({ type: [EnvVarInput] }),
    envFrom: t.field({ type: [EnvFromSourceInput] }),
    ports: t.field({ type: [ContainerPortInput] }),
    resources: t.field({ type: ResourceRequirementsInput }),
    volumeMounts: t.field({ type: [VolumeMountInput] }),
    livenessProbe: t.field({ type: ProbeInput }),
    readinessProbe: t.field({ type: ProbeInput }),
    startupProbe: t.field({ type: ProbeInput }),
  }),
});

type EmptyDir = NonNullable<Volume['emptyDir']>;
type HostPath = NonNullable<Volume['hostPath']>;
type ClaimSource = NonNullable<Volume['persistentVolumeClaim']>;
const EmptyDirRef = builder.objectRef<EmptyDir>('EmptyDirVolumeSource').implement({
  fields: (t) => ({ medium: t.exposeString('medium'), sizeLimit: t.exposeString('sizeLimit') }),
});
const HostPathRef = builder.objectRef<HostPath>('HostPathVolumeSource').implement({
  fields: (t) => ({ path: t.exposeString('path', { nullable: false }), type: t.exposeString('type') }),
});
const ClaimSourceRef = builder.objectRef<ClaimSource>('PersistentVolumeClaimVolumeSource').implement({
  fields: (t) => ({
    claimName: t.exposeString('claimName', { nullable: false }),
    readOnly: t.exposeBoolean('readOnly'),
  }),
});
const KeyToPathRef = builder.objectRef<KeyToPath>('KeyToPath').implement({
  fields: (t) => ({
    key: t.exposeString('key', { nullable: false }),
    path: t.exposeString('path', { nullable: false }),
    mode: t.exposeInt('mode'),
  }),
});
const ConfigMapSourceRef = builder.objectRef<ConfigMapVolumeSource>('ConfigMapVolumeSource').implement({
  fields: (t) => ({
    name: t.exposeString('name', { nullable: false }),
    items: t.expose('items', { type: [KeyToPathRef] }),
    defaultMode: t.exposeInt('defaultMode'),
    optional: t.exposeBoolean('optional'),
  }),
});
const SecretSourceRef = builder.objectRef<SecretVolumeSource>('SecretVolumeSource').implement({
  fields: (t) => ({
    secretName: t.exposeString('secretName', { nullable: false }),
    items: t.expose('items', { type: [KeyToPathRef] }),
    defaultMode: t.exposeInt('defaultMode'),
    optional: t.exposeBoolean('optional'),
  }),
});
const VolumeRef = builder.objectRef<Volume>('Volume').implement({
  fields: (t) => ({
    name: t.exposeString('name', { nullable: false }),
    emptyDir: t.expose('emptyDir', { type: EmptyDirRef }),
    hostPath: t.expose('hostPath', { type: HostPathRef }),
    persistentVolumeClaim: t.expose('persistentVolumeClaim', { type: ClaimSourceRef }),
    configMap: t.expose('configMap', { type: ConfigMapSourceRef }),
    secret: t.expose('secret', { type: SecretSourceRef }),
  }),
});
const KeyToPathInput = builder.inputType('KeyToPathInput', {
  fields: (t) => ({ key: t.string({ required: true }), path: t.string({ required: true }), mode: t.int() }),
});
const ConfigMapSourceInput = builder.inputType('ConfigMapVolumeSourceInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    items: t.field({ type: [KeyToPathInput] }),
    defaultMode: t.int(),
    optional: t.boolean(),
  }),
});
const SecretSourceInput = builder.inputType('SecretVolumeSourceInput', {
  fields: (t) => ({
    secretName: t.string({ required: true }),
    items: t.field({ type: [KeyToPathInput] }),
    defaultMode: t.int(),
    optional: t.boolean(),
  }),
});
const EmptyDirInput = builder.inputType('EmptyDirVolumeSourceInput', {
  fields: (t) => ({ medium: t.string(), sizeLimit: t.string() }),
});
const HostPathInput = builder.inputType('HostPathVolumeSourceInput', {
  fields: (t) => ({ path: t.string({ required: true }), type: t.string() }),
});
const ClaimSourceInput = builder.inputType('PersistentVolumeClaimVolumeSourceInput', {
  fields: (t) => ({ claimName: t.string({ required: true }), readOnly: t.boolean() }),
});
const VolumeInput = builder.inputType('VolumeInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    emptyDir: t.field({ type: EmptyDirInput }),
    hostPath: t.field({ type: HostPathInput }),
    persistentVolumeClaim: t.field({ type: ClaimSourceInput }),
    configMap: t.field({ type: ConfigMapSourceInput }),
    secret: t.field({ type: SecretSourceInput }),
  }),
});

const LocalObjectReferenceRef = builder.objectRef<{ name: string }>('LocalObjectReference').implement({
  fields: (t) => ({ name: t.exposeString('name', { nullable: false }) }),
});
const LocalObjectReferenceInput = builder.inputType('LocalObjectReferenceInput', {
  fields: (t) => ({ name: t.string({ required: true }) }),
});

const TolerationRef = builder.objectRef<Toleration>('Toleration').implement({
  fields: (t) => ({
    key: t.exposeString('key'),
    operator: t.exposeString('operator'),
    value: t.exposeString('value'),
    effect: t.expose('effect', { type: TaintEffectEnum }),
    tolerationSeconds: t.exposeInt('tolerationSeconds'),
  }),
});
const TolerationInput = builder.inputType('TolerationInput', {
  fields: (t) => ({
    key: t.string(),
    operator: t.string(),
    value: t.string(),
    effect: t.field({ type: TaintEffectEnum }),
    tolerationSeconds: t.int(),
  }),
});

export const PodSpecRef = builder.objectRef<PodSpec>('PodSpec').implement({
  fields: (t) => ({
    containers: t.expose('containers', { type: [ContainerRef], nullable: false }),
    volumes: t.expose('volumes', { type: [VolumeRef] }),
    restartPolicy: t.expose('restartPolicy', { type: RestartPolicyEnum }),
    terminationGracePeriodSeconds: t.exposeInt('terminationGracePeriodSeconds'),
    nodeName: t.exposeString('nodeName'),
    nodeSelector: t.field({
      type: [KeyValueRef],
      nullable: false,
      extensions: PURE,
      resolve: (s) => toPairs(s.nodeSelector),
    }),
    tolerations: t.expose('tolerations', { type: [TolerationRef] }),
    hostname: t.exposeString('hostname'),
    subdomain: t.exposeString('subdomain'),
    imagePullSecrets: t.expose('imagePullSecrets', { type: [LocalObjectReferenceRef] }),
  }),
});
export const PodSpecInput = builder.inputType('PodSpecInput', {
  fields: (t) => ({
    containers: t.field({ type: [ContainerInput], required: true }),
    volumes: t.field({ type: [VolumeInput] }),
    restartPolicy: t.field({ type: RestartPolicyEnum }),
    terminationGracePeriodSeconds: t.int(),
    nodeName: t.string(),
    nodeSelector: t.field({ type: [KeyValueInput] }),
    tolerations: t.field({ type: [TolerationInput] }),
    hostname: t.string(),
    subdomain: t.string(),
    imagePullSecrets: t.field({ type: [LocalObjectReferenceInput] }),
  }),
});

export const PodTemplateSpecRef = builder.objectRef<PodTemplateSpec>('PodTemplateSpec').implement({
  fields: (t) => ({
    metadata: t.field({ type: TemplateMetaRef, nullable: false, extensions: PURE, resolve: (p) => p.metadata ?? {} }),
    spec: t.expose('spec', { type: PodSpecRef, nullable: false }),
  }),
});
export const PodTemplateSpecInput = builder.inputType('PodTemplateSpecInput', {
  fields: (t) => ({
    metadata: t.field({ type: TemplateMetaInput }),
    spec: t.field({ type: PodSpecInput, required: true }),
  }),
});
