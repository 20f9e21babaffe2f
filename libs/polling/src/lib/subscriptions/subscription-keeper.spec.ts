import { existingSubscriptionId } from './subscription-keeper';

describe('existingSubscriptionId', () => {
  it('reads the id Graph names when it refuses a duplicate subscription, and nothing else', () => {
    const id = '7f105c7d-2dc5-4530-97cd-4e7ae6534c07';
    expect(existingSubscriptionId(`could not create the subscription: Graph answered 409 ExtensionError: Subscription Id ${id} already exists for the requested combination`)).toBe(id);
    expect(existingSubscriptionId(`could not create the subscription: Graph answered 400 ExtensionError: Subscription Id ${id} already exists`)).toBeUndefined();
    expect(existingSubscriptionId('could not create the subscription: Graph answered 409 Conflict: busy')).toBeUndefined();
  });
});
