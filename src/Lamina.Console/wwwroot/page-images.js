// Repositories and images: ECR DescribeRepositories / DescribeImages, and BatchGetImage for the manifests,
// whose layer descriptors give the sizes and show which layers images share (stored once in the registry).
import { h, table, bytes, shortDigest, errorBox } from './dom.js';
import { awsJson } from './api.js';

const ECR = 'AmazonEC2ContainerRegistry_V20150921.';
const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json',
];

async function all(target, payload, key) {
  const items = [];
  let nextToken;
  do {
    const answer = await awsJson('ecr', ECR + target, { ...payload, ...(nextToken ? { nextToken } : {}) });
    items.push(...(answer[key] || []));
    nextToken = answer.nextToken;
  } while (nextToken);
  return items;
}

/** Every image of every repository with its parsed manifest: [{ repo, detail, manifest }]. */
export async function loadImages() {
  const repositories = await all('DescribeRepositories', {}, 'repositories');
  const images = [];
  for (const repo of repositories) {
    const details = await all('DescribeImages', { repositoryName: repo.repositoryName }, 'imageDetails');
    for (let i = 0; i < details.length; i += 100) {
      const chunk = details.slice(i, i + 100);
      const got = await awsJson('ecr', ECR + 'BatchGetImage', {
        repositoryName: repo.repositoryName, imageIds: chunk.map(d => ({ imageDigest: d.imageDigest })), acceptedMediaTypes: MANIFEST_TYPES,
      });
      const manifests = new Map((got.images || []).map(img => [img.imageId.imageDigest, JSON.parse(img.imageManifest)]));
      for (const detail of chunk) images.push({ repo: repo.repositoryName, detail, manifest: manifests.get(detail.imageDigest) || null });
    }
  }
  return { repositories, images };
}

/** Layer digest → { size, users: Set(image keys) }, and the byte totals with and without sharing. */
export function sharing(images) {
  const layers = new Map();
  for (const img of images) {
    for (const l of (img.manifest && img.manifest.layers) || []) {
      const entry = layers.get(l.digest) || { size: l.size, users: new Set() };
      entry.users.add(`${img.repo}@${img.detail.imageDigest}`);
      layers.set(l.digest, entry);
    }
  }
  let total = 0, unique = 0, sharedLayers = 0;
  for (const l of layers.values()) {
    total += l.size * l.users.size;
    unique += l.size;
    if (l.users.size > 1) sharedLayers++;
  }
  return { layers, total, unique, saved: total - unique, sharedLayers };
}

export async function imagesPage() {
  const element = h('section', { id: 'images' }, h('h1', {}, 'Repositories and images'));
  try {
    const { repositories, images } = await loadImages();
    const share = sharing(images);
    element.append(h('div', { class: 'card', id: 'sharing' },
      h('p', {}, `${plural(repositories.length, 'repository', 'repositories')}, ${plural(images.length, 'image', 'images')}. Layers: ${bytes(share.total)} referenced, `,
        h('strong', { id: 'unique-bytes' }, `${bytes(share.unique)} stored`), ' — ',
        h('strong', { id: 'shared-bytes', 'data-bytes': share.saved }, `${bytes(share.saved)} shared`),
        ` between images (${share.sharedLayers} layer${share.sharedLayers === 1 ? '' : 's'} used by more than one image).`)));
    if (repositories.length === 0) {
      element.append(h('p', { class: 'muted', id: 'no-repositories' }, 'No repositories yet. Create one with ',
        h('code', {}, 'aws ecr create-repository --repository-name NAME'), ', then ', h('code', {}, 'docker push'), ' or ',
        h('code', {}, 'lamina push DIR NAME:TAG'), ' to it.'));
    }
    for (const repo of repositories) {
      const section = h('div', { class: 'card repo', 'data-repo': repo.repositoryName }, h('h2', {}, repo.repositoryName),
        h('p', { class: 'muted' }, repo.repositoryUri || ''));
      const own = images.filter(i => i.repo === repo.repositoryName);
      // A repository just created is empty: say how to fill it rather than showing a bare heading.
      if (own.length === 0) section.append(h('p', { class: 'muted no-images' }, 'No images yet: ', h('code', {}, `docker push ${repo.repositoryUri || repo.repositoryName}:TAG`)));
      for (const img of own) section.append(imageBlock(img, share));
      element.append(section);
    }
  } catch (e) {
    element.append(errorBox(e));
  }
  return { name: 'images', element };
}

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

function imageBlock(img, share) {
  const d = img.detail;
  const m = img.manifest;
  const head = h('h3', {}, (d.imageTags || []).join(', ') || '(untagged)', ' ', h('code', {}, shortDigest(d.imageDigest)),
    ' ', h('span', { class: 'muted' }, `${bytes(d.imageSizeInBytes)} · pushed ${d.imagePushedAt ? new Date(d.imagePushedAt * 1000).toISOString().slice(0, 19) : ''}`));
  if (!m) return h('div', { class: 'image' }, head, h('p', { class: 'muted' }, 'manifest unavailable'));
  if (m.manifests) {
    return h('div', { class: 'image' }, head, table(['Platform', 'Manifest', 'Size'],
      m.manifests.map(c => [c.platform ? `${c.platform.os}/${c.platform.architecture}` : '', shortDigest(c.digest), bytes(c.size)])));
  }
  return h('div', { class: 'image', 'data-digest': d.imageDigest }, head, table(['Layer', 'Size', 'Shared'],
    (m.layers || []).map(l => {
      const users = share.layers.get(l.digest).users.size;
      return [h('code', {}, shortDigest(l.digest)), bytes(l.size),
        users > 1 ? h('span', { class: 'shared' }, `with ${users - 1} other image${users > 2 ? 's' : ''}`) : h('span', { class: 'muted' }, 'only here')];
    }), { class: 'layers' }));
}
